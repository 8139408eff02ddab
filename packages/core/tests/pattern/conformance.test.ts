import { compilePattern, PatternSet, type EventPattern } from '../../src/pattern';

/**
 * Conformance rows taken from the published examples. Each row names its source:
 *   [create]      EventBridge User Guide, "Creating event patterns" (eb-create-pattern / eb-event-patterns)
 *   [operators]   EventBridge User Guide, "Comparison operators for use in event patterns"
 *                 (eb-create-pattern-operators, formerly eb-event-patterns-content-based-filtering), #anchor
 *   [null-values] EventBridge User Guide, "Matching null values and empty strings" (eb-event-patterns-null-values)
 *   [arrays]      EventBridge User Guide, "Arrays in event patterns" (eb-event-patterns-arrays)
 *   [ruler]       aws/event-ruler README (the matching engine behind EventBridge), section named
 *   [sns]         Amazon SNS "Numeric value matching" (same filter-policy engine and syntax)
 */
interface Row {
  readonly source: string;
  readonly name: string;
  readonly pattern: EventPattern;
  readonly event: unknown;
  readonly matches: boolean;
}

const ec2Event = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};

const ec2Termination: EventPattern = {
  source: ['aws.ec2'],
  'detail-type': ['EC2 Instance State-change Notification'],
  detail: { state: ['terminated'] },
};

const autoscalingEvent = {
  version: '0',
  id: '3e3c153a-8339-4e30-8c35-687ebef853fe',
  'detail-type': 'EC2 Instance Launch Successful',
  source: 'aws.autoscaling',
  account: '123456789012',
  time: '2015-11-11T21:31:47Z',
  region: 'us-east-1',
  resources: [],
  detail: { eventVersion: '', responseElements: null },
};

const macieEvent = {
  version: '0',
  id: '3e355723-fca9-4de3-9fd7-154c289d6b59',
  'detail-type': 'Macie Alert',
  source: 'aws.macie',
  account: '123456789012',
  time: '2017-04-24T22:28:49Z',
  region: 'us-east-1',
  resources: [
    'arn:aws:macie:us-east-1:123456789012:trigger/trigger_id/alert/alert_id',
    'arn:aws:macie:us-east-1:123456789012:trigger/trigger_id',
  ],
  detail: {
    'notification-type': 'ALERT_CREATED',
    name: 'Scanning bucket policies',
    tags: ['Custom_Alert', 'Insider'],
    'risk-score': 80,
    trigger: { 'rule-arn': 'arn:aws:macie:us-east-1:123456789012:trigger/trigger_id', 'alert-type': 'basic', risk: 8 },
  },
};
const macieRisk: EventPattern = {
  source: ['aws.macie'],
  'detail-type': ['Macie Alert'],
  detail: { 'risk-score': [80], trigger: { risk: [8] } },
};

// The sample event of the Event Ruler README.
const rulerEvent = {
  version: '0',
  id: 'ddddd4-aaaa-7777-4444-345dd43cc333',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '012345679012',
  time: '2017-10-02T16:24:49Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
  detail: {
    'c-count': 5,
    'd-count': 3,
    'x-limit': 301.8,
    'source-ip': '10.0.0.33',
    'instance-id': 'i-000000aaaaaa00000',
    state: 'running',
  },
};
const withDetail = (detail: Record<string, unknown>): unknown => ({ ...rulerEvent, detail: { ...rulerEvent.detail, ...detail } });

const numericPattern: EventPattern = {
  detail: {
    'c-count': [{ numeric: ['>', 0, '<=', 5] }],
    'd-count': [{ numeric: ['<', 10] }],
    'x-limit': [{ numeric: ['=', 3.018e2] }],
  },
};

const complexPattern: EventPattern = {
  time: [{ prefix: '2017-10-02' }],
  detail: {
    state: [{ 'anything-but': 'initializing' }],
    'c-count': [{ numeric: ['>', 0, '<=', 5] }],
    'd-count': [{ numeric: ['<', 10] }],
    'x-limit': [{ 'anything-but': [100, 200, 300] }],
    'source-ip': [{ cidr: '10.0.0.0/8' }],
  },
};

const existsTrueEvent = {
  version: '0',
  id: '7bf73129-1428-4cd3-a780-95db273d1602',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '123456789012',
  time: '2015-11-11T21:29:54Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111'],
  detail: { 'instance-id': 'i-abcd1111', state: 'pending' },
};
const cCountObjectEvent = {
  'detail-type': ['EC2 Instance State-change Notification'],
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341'],
  detail: { state: ['initializing', 'running'], 'c-count': { c1: 100 } },
};
const noCCountEvent = {
  'detail-type': ['EC2 Instance State-change Notification'],
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341'],
  detail: { state: ['initializing', 'running'] },
};

const employees = {
  employees: [
    { firstName: 'John', lastName: 'Doe' },
    { firstName: 'Anna', lastName: 'Smith' },
    { firstName: 'Peter', lastName: 'Jones' },
  ],
};
const nestedEmployees = {
  employees: [
    [
      { firstName: 'John', lastName: 'Doe' },
      { firstName: 'Anna', lastName: 'Smith' },
    ],
    [{ firstName: 'Peter', lastName: 'Jones' }],
  ],
};

const normalOr: EventPattern = {
  source: ['aws.cloudwatch'],
  $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
};
const parallelOr: EventPattern = {
  $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
  detail: { $or: [{ source: ['aws.cloudwatch'] }, { 'detail-type': ['CloudWatch Alarm State Change'] }] },
};
const nestedOr: EventPattern = {
  source: ['aws.cloudwatch'],
  $or: [
    { metricName: ['CPUUtilization', 'ReadLatency'] },
    { metricType: ['MetricType'], namespace: ['AWS/EC2', 'AWS/ES'], $or: [{ metricId: [1234] }, { spaceId: [1000] }] },
    { scope: ['Service'] },
  ],
};

const resourcesPattern: EventPattern = {
  resources: [
    'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
    'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
    'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
  ],
};

const duplicateKeyPattern = JSON.parse(
  '{"detail":{"location":[{"prefix":"us-"}],"location":[{"anything-but":"us-east"}]}}',
) as EventPattern;

const rows: readonly Row[] = [
  // [create] Creating event patterns
  { source: '[create]', name: 'the EC2 termination pattern matches the terminated-instance event', pattern: ec2Termination, event: ec2Event, matches: true },
  { source: '[create]', name: 'the EC2 termination pattern does not match a running instance', pattern: ec2Termination, event: { ...ec2Event, detail: { ...ec2Event.detail, state: 'running' } }, matches: false },
  { source: '[create]', name: 'fields absent from the pattern are ignored', pattern: { source: ['aws.ec2'] }, event: ec2Event, matches: true },
  { source: '[create]', name: 'the event must contain every field the pattern names', pattern: { detail: { state: ['terminated'], 'c-count': [5] } }, event: ec2Event, matches: false },
  { source: '[create]', name: 'field names must appear with the same nesting', pattern: { state: ['terminated'] }, event: ec2Event, matches: false },
  { source: '[create] matching event values', name: 'a value list matches any one of its values', pattern: { source: ['aws.ec2', 'aws.fargate'] }, event: { ...ec2Event, source: 'aws.fargate' }, matches: true },
  { source: '[create] matching event values', name: 'a value list does not match a value outside it', pattern: { source: ['aws.ec2', 'aws.fargate'] }, event: { ...ec2Event, source: 'aws.s3' }, matches: false },
  { source: '[create]', name: 'strings match character by character without case folding', pattern: { source: ['AWS.EC2'] }, event: ec2Event, matches: false },
  { source: '[create]', name: 'values follow JSON rules: the string "300" is not the number 300', pattern: { detail: { count: [300] } }, event: { detail: { count: '300' } }, matches: false },
  { source: '[create] value matching', name: 'the Macie pattern matches risk-score 80 and trigger risk 8', pattern: macieRisk, event: macieEvent, matches: true },
  { source: '[create] value matching', name: 'the Macie pattern does not match another risk-score', pattern: macieRisk, event: { ...macieEvent, detail: { ...macieEvent.detail, 'risk-score': 79 } }, matches: false },
  { source: '[create] field matching', name: 'responseElements null with source and detail-type', pattern: { source: ['aws.autoscaling'], 'detail-type': ['EC2 Instance Launch Successful'], detail: { responseElements: [null] } }, event: autoscalingEvent, matches: true },

  // [null-values]
  { source: '[null-values]', name: 'an empty-string value matches [""]', pattern: { detail: { eventVersion: [''] } }, event: autoscalingEvent, matches: true },
  { source: '[null-values]', name: 'a null value matches [null]', pattern: { detail: { responseElements: [null] } }, event: autoscalingEvent, matches: true },
  { source: '[null-values]', name: 'null and empty string are not interchangeable ("" vs null)', pattern: { detail: { responseElements: [''] } }, event: autoscalingEvent, matches: false },
  { source: '[null-values]', name: 'null and empty string are not interchangeable (null vs "")', pattern: { detail: { eventVersion: [null] } }, event: autoscalingEvent, matches: false },
  { source: '[operators] Null', name: 'UserID is null', pattern: { UserID: [null] }, event: { UserID: null }, matches: true },
  { source: '[operators] Empty', name: 'LastName is empty', pattern: { LastName: [''] }, event: { LastName: '' }, matches: true },

  // [arrays]
  { source: '[arrays]', name: 'an event array matches when it intersects the pattern array', pattern: resourcesPattern, event: { resources: ['arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate', 'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f'] }, matches: true },
  { source: '[arrays]', name: 'an event array does not match when the intersection is empty', pattern: resourcesPattern, event: { resources: ['arn:aws:ec2:us-east-1:999999999999:instance/i-b188560f'] }, matches: false },
  { source: '[create] value matching', name: 'one element of the tags array is enough', pattern: { detail: { tags: ['Insider'] } }, event: macieEvent, matches: true },
  { source: '[ruler] JSON Array Matching', name: 'objects in an array are matched as values of the parent field', pattern: { employees: { firstName: ['Anna'] } }, event: employees, matches: true },
  { source: '[ruler] JSON Array Matching', name: 'fields from different array elements do not combine', pattern: { employees: { firstName: ['Anna'], lastName: ['Jones'] } }, event: employees, matches: false },
  { source: '[ruler] JSON Array Matching', name: 'fields from the same array element combine', pattern: { employees: { firstName: ['Anna'], lastName: ['Smith'] } }, event: employees, matches: true },
  { source: '[ruler] JSON Array Matching', name: 'multi-level arrays are crushed too', pattern: { employees: { firstName: ['Peter'] } }, event: nestedEmployees, matches: true },
  { source: '[ruler] JSON Array Matching', name: 'multi-level arrays keep element consistency', pattern: { employees: { firstName: ['John'], lastName: ['Jones'] } }, event: nestedEmployees, matches: false },

  // [operators] Prefix / suffix
  { source: '[operators] #eb-filtering-prefix-matching', name: 'time starting with 2017-10-02', pattern: { time: [{ prefix: '2017-10-02' }] }, event: { time: '2017-10-02T18:43:48Z' }, matches: true },
  { source: '[operators] #eb-filtering-prefix-matching', name: 'time on another day', pattern: { time: [{ prefix: '2017-10-02' }] }, event: { time: '2017-10-03T18:43:48Z' }, matches: false },
  { source: '[operators] #eb-filtering-prefix-matching', name: 'prefix matching applies to string values only', pattern: { code: [{ prefix: '12' }] }, event: { code: 123 }, matches: false },
  { source: '[operators] Begins with', name: 'Region is in the US', pattern: { Region: [{ prefix: 'us-' }] }, event: { Region: 'us-east-1' }, matches: true },
  { source: '[operators] prefix matching while ignoring case', name: 'service starting with EventB in lower case', pattern: { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } }, event: { detail: { service: 'eventbridge' } }, matches: true },
  { source: '[operators] prefix matching while ignoring case', name: 'service starting with EventB in upper case', pattern: { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } }, event: { detail: { service: 'EVENTBRIDGE' } }, matches: true },
  { source: '[operators] prefix matching while ignoring case', name: 'service with another prefix', pattern: { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } }, event: { detail: { service: 'Lambda' } }, matches: false },
  { source: '[operators] #eb-filtering-suffix-matching', name: 'FileName ending with .png', pattern: { FileName: [{ suffix: '.png' }] }, event: { FileName: 'image.png' }, matches: true },
  { source: '[operators] #eb-filtering-suffix-matching', name: 'FileName ending with .jpg', pattern: { FileName: [{ suffix: '.png' }] }, event: { FileName: 'image.jpg' }, matches: false },
  { source: '[operators] suffix matching while ignoring case', name: 'FileName ending with .PNG', pattern: { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } }, event: { detail: { FileName: 'photo.PNG' } }, matches: true },
  { source: '[operators] Ends with (ignore case)', name: 'service ending in TBRIDGE', pattern: { service: [{ suffix: { 'equals-ignore-case': 'tBridge' } }] }, event: { service: 'EVENTBRIDGE' }, matches: true },

  // [operators] Anything-but
  { source: '[operators] #eb-filtering-anything-but', name: 'state other than initializing', pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } }, event: { detail: { state: 'running' } }, matches: true },
  { source: '[operators] #eb-filtering-anything-but', name: 'state initializing', pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } }, event: { detail: { state: 'initializing' } }, matches: false },
  { source: '[operators] #eb-filtering-anything-but', name: 'x-limit other than 123', pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } }, event: { detail: { 'x-limit': 456 } }, matches: true },
  { source: '[operators] #eb-filtering-anything-but', name: 'x-limit 123', pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } }, event: { detail: { 'x-limit': 123 } }, matches: false },
  { source: '[operators] #eb-filtering-anything-but', name: 'state outside a list of strings', pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } }, event: { detail: { state: 'running' } }, matches: true },
  { source: '[operators] #eb-filtering-anything-but', name: 'state inside a list of strings', pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } }, event: { detail: { state: 'overloaded' } }, matches: false },
  { source: '[operators] #eb-filtering-anything-but', name: 'x-limit outside a list of numbers', pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } }, event: rulerEvent, matches: true },
  { source: '[operators] #eb-filtering-anything-but', name: 'x-limit inside a list of numbers', pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } }, event: withDetail({ 'x-limit': 200 }), matches: false },
  { source: '[create] Not', name: 'Weather is anything but Raining', pattern: { Weather: [{ 'anything-but': ['Raining'] }] }, event: { Weather: 'Sunny' }, matches: true },
  { source: '[operators] #eb-filtering-anything-but-prefix', name: 'state without the prefix init', pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, event: { detail: { state: 'running' } }, matches: true },
  { source: '[operators] #eb-filtering-anything-but-prefix', name: 'state with the prefix init', pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, event: { detail: { state: 'initializing' } }, matches: false },
  { source: '[operators] #eb-filtering-anything-but-suffix', name: 'FileName not ending with .png', pattern: { FileName: [{ 'anything-but': { suffix: '.png' } }] }, event: { FileName: 'notes.txt' }, matches: true },
  { source: '[operators] #eb-filtering-anything-but-suffix', name: 'FileName ending with .png', pattern: { FileName: [{ 'anything-but': { suffix: '.png' } }] }, event: { FileName: 'image.png' }, matches: false },
  { source: '[operators] #eb-filtering-anything-but-ignore-case', name: 'state INITIALIZING in another casing', pattern: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] }, event: { state: 'INITIALIZING' }, matches: false },
  { source: '[operators] #eb-filtering-anything-but-ignore-case', name: 'state running', pattern: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] }, event: { state: 'running' }, matches: true },
  { source: '[operators] #eb-filtering-anything-but-wildcard', name: 'FilePath without /lib/', pattern: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] }, event: { FilePath: '/usr/bin/env' }, matches: true },
  { source: '[operators] #eb-filtering-anything-but-wildcard', name: 'FilePath with /lib/', pattern: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] }, event: { FilePath: '/usr/lib/libc.so' }, matches: false },
  { source: '[sns] anything-but matching', name: 'an event array matches when one element is not excluded', pattern: { price: [{ 'anything-but': [100, 500] }] }, event: { price: [100, 50] }, matches: true },
  { source: '[sns] anything-but matching', name: 'an excluded number does not match', pattern: { price: [{ 'anything-but': [100, 500] }] }, event: { price: 100 }, matches: false },
  { source: '[sns] anything-but matching', name: 'a number that is not excluded matches', pattern: { price: [{ 'anything-but': [100, 500] }] }, event: { price: 100.1 }, matches: true },

  // [operators] Numeric
  { source: '[operators] #filtering-numeric-matching', name: 'c-count, d-count and x-limit all within range', pattern: numericPattern, event: rulerEvent, matches: true },
  { source: '[operators] #filtering-numeric-matching', name: 'c-count 0 is not > 0', pattern: numericPattern, event: withDetail({ 'c-count': 0 }), matches: false },
  { source: '[operators] #filtering-numeric-matching', name: 'c-count 6 is not <= 5', pattern: numericPattern, event: withDetail({ 'c-count': 6 }), matches: false },
  { source: '[operators] #filtering-numeric-matching', name: 'd-count 10 is not < 10', pattern: numericPattern, event: withDetail({ 'd-count': 10 }), matches: false },
  { source: '[operators] #filtering-numeric-matching', name: 'numeric matching works only with JSON numbers', pattern: numericPattern, event: withDetail({ 'x-limit': '301.8' }), matches: false },
  { source: '[create] Numeric (equals)', name: 'Price is 100', pattern: { Price: [{ numeric: ['=', 100] }] }, event: { Price: 100 }, matches: true },
  { source: '[create] Numeric (range)', name: 'Price 20 is more than 10 and at most 20', pattern: { Price: [{ numeric: ['>', 10, '<=', 20] }] }, event: { Price: 20 }, matches: true },
  { source: '[create] Numeric (range)', name: 'Price 10 is not more than 10', pattern: { Price: [{ numeric: ['>', 10, '<=', 20] }] }, event: { Price: 10 }, matches: false },
  { source: '[sns] exact matching', name: '3.015e2 equals 301.5', pattern: { price_usd: [{ numeric: ['=', 301.5] }] }, event: JSON.parse('{"price_usd": 3.015e2}') as unknown, matches: true },

  // [operators] IP address
  { source: '[operators] #eb-filtering-ip-matching', name: 'an address inside 10.0.0.0/24', pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } }, event: { detail: { sourceIPAddress: '10.0.0.255' } }, matches: true },
  { source: '[operators] #eb-filtering-ip-matching', name: 'an address outside 10.0.0.0/24', pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } }, event: { detail: { sourceIPAddress: '10.0.1.1' } }, matches: false },
  { source: '[ruler] IP Address Matching (IPv6)', name: 'an IPv6 address inside a /122 block', pattern: { ip: [{ cidr: '2400:6500:FF00::36FB:1F80/122' }] }, event: { ip: '2400:6500:ff00::36fb:1fbf' }, matches: true },
  { source: '[ruler] IP Address Matching (IPv6)', name: 'an IPv6 address just outside a /122 block', pattern: { ip: [{ cidr: '2400:6500:FF00::36FB:1F80/122' }] }, event: { ip: '2400:6500:ff00::36fb:1fc0' }, matches: false },

  // [operators] Exists
  { source: '[operators] #eb-filtering-exists-matching', name: 'exists true with detail.state present', pattern: { detail: { state: [{ exists: true }] } }, event: existsTrueEvent, matches: true },
  { source: '[operators] #eb-filtering-exists-matching', name: 'exists true without detail.state', pattern: { detail: { state: [{ exists: true }] } }, event: { ...existsTrueEvent, detail: { 'c-count': { c1: 100 } } }, matches: false },
  { source: '[operators] #eb-filtering-exists-matching', name: 'exists false without detail.c-count', pattern: { detail: { 'c-count': [{ exists: false }] } }, event: noCCountEvent, matches: true },
  { source: '[operators] #eb-filtering-exists-matching', name: 'exists false when c-count is not a leaf', pattern: { detail: { 'c-count': [{ exists: false }] } }, event: cCountObjectEvent, matches: true },
  { source: '[operators] #eb-filtering-exists-matching', name: 'exists false when c-count is present', pattern: { detail: { 'c-count': [{ exists: false }] } }, event: rulerEvent, matches: false },
  { source: '[operators] #eb-filtering-exists-matching', name: 'exists true does not hold for an intermediate node', pattern: { detail: { 'c-count': [{ exists: true }] } }, event: cCountObjectEvent, matches: false },

  // [operators] Equals ignore case / wildcard
  { source: '[operators] Equals (ignore case)', name: 'Name alice in upper case', pattern: { Name: [{ 'equals-ignore-case': 'alice' }] }, event: { Name: 'ALICE' }, matches: true },
  { source: '[operators] Equals (ignore case)', name: 'Name with another value', pattern: { Name: [{ 'equals-ignore-case': 'alice' }] }, event: { Name: 'Alicia' }, matches: false },
  { source: '[operators] Equals', name: 'Name is Alice', pattern: { Name: ['Alice'] }, event: { Name: 'Alice' }, matches: true },
  { source: '[operators] #eb-filtering-wildcard-matching', name: 'a .png file in dir', pattern: { FileName: [{ wildcard: 'dir/*.png' }] }, event: { FileName: 'dir/image.png' }, matches: true },
  { source: '[operators] #eb-filtering-wildcard-matching', name: 'a .png file in another folder', pattern: { FileName: [{ wildcard: 'dir/*.png' }] }, event: { FileName: 'other/image.png' }, matches: false },
  { source: '[operators] #eb-filtering-wildcard-matching', name: 'a wildcard also spans slashes', pattern: { FileName: [{ wildcard: 'dir/*.png' }] }, event: { FileName: 'dir/a/b.png' }, matches: true },
  { source: '[operators] #eb-filtering-wildcard-matching', name: 'an event bus ARN in any account', pattern: { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] }, event: { EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/orders' }, matches: true },
  { source: '[ruler] Wildcard matching', name: 'a wildcard matches zero characters', pattern: { source: [{ wildcard: 'Simple*Service' }] }, event: { source: 'SimpleService' }, matches: true },
  { source: '[ruler] Wildcard matching', name: 'an escaped asterisk is literal', pattern: { source: [{ wildcard: 'a\\*b' }] }, event: { source: 'axb' }, matches: false },
  { source: '[ruler] Wildcard matching', name: 'an escaped asterisk matches an asterisk', pattern: { source: [{ wildcard: 'a\\*b' }] }, event: { source: 'a*b' }, matches: true },

  // [operators] Or / And
  { source: '[operators] And', name: 'Location New York and Day Monday', pattern: { Location: ['New York'], Day: ['Monday'] }, event: { Location: 'New York', Day: 'Monday' }, matches: true },
  { source: '[operators] And', name: 'Location New York but Day Tuesday', pattern: { Location: ['New York'], Day: ['Monday'] }, event: { Location: 'New York', Day: 'Tuesday' }, matches: false },
  { source: '[operators] Or', name: 'PaymentType Credit or Debit', pattern: { PaymentType: ['Credit', 'Debit'] }, event: { PaymentType: 'Debit' }, matches: true },
  { source: '[operators] Or ($or)', name: 'Location New York or Day Monday, by Day', pattern: { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] }, event: { Location: 'Boston', Day: 'Monday' }, matches: true },
  { source: '[operators] Or ($or)', name: 'neither Location New York nor Day Monday', pattern: { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] }, event: { Location: 'Boston', Day: 'Tuesday' }, matches: false },
  { source: '[ruler] Normal "Or"', name: 'source and namespace', pattern: normalOr, event: { source: 'aws.cloudwatch', namespace: 'AWS/EC2' }, matches: true },
  { source: '[ruler] Normal "Or"', name: 'namespace without the source', pattern: normalOr, event: { source: 'aws.ec2', namespace: 'AWS/EC2' }, matches: false },
  { source: '[ruler] Parallel "Or"', name: 'one branch of each $or', pattern: parallelOr, event: { metricName: 'ReadLatency', detail: { 'detail-type': 'CloudWatch Alarm State Change' } }, matches: true },
  { source: '[ruler] Parallel "Or"', name: 'only one of the two $or satisfied', pattern: parallelOr, event: { metricName: 'ReadLatency', detail: { source: 'aws.ec2' } }, matches: false },
  { source: '[ruler] Nested "Or" and "And"', name: 'metricType, namespace and spaceId', pattern: nestedOr, event: { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/ES', spaceId: 1000 }, matches: true },
  { source: '[ruler] Nested "Or" and "And"', name: 'metricType and namespace without the inner $or', pattern: nestedOr, event: { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/ES' }, matches: false },
  { source: '[ruler] Nested "Or" and "And"', name: 'scope alone', pattern: nestedOr, event: { source: 'aws.cloudwatch', scope: 'Service' }, matches: true },

  // [operators] Complex example
  { source: '[ruler] Complex example', name: 'the README event satisfies every condition', pattern: complexPattern, event: rulerEvent, matches: true },
  { source: '[operators] #eb-filtering-complex-example', name: 'an excluded x-limit fails the whole pattern', pattern: complexPattern, event: withDetail({ 'x-limit': 300 }), matches: false },
  { source: '[ruler] Complex example', name: 'a source-ip outside 10.0.0.0/8 fails the whole pattern', pattern: complexPattern, event: withDetail({ 'source-ip': '11.0.0.1' }), matches: false },
  { source: '[operators] complex example note', name: 'a key given twice: only the last one counts (eu-west-1 matches)', pattern: duplicateKeyPattern, event: { detail: { location: 'eu-west-1' } }, matches: true },
  { source: '[operators] complex example note', name: 'a key given twice: only the last one counts (us-east fails)', pattern: duplicateKeyPattern, event: { detail: { location: 'us-east' } }, matches: false },
];

describe('matchesPattern conformance with the published examples', () => {
  it('has at least 60 rows', () => {
    expect(rows.length).toBeGreaterThanOrEqual(60);
  });

  it.each(rows.map((r) => [`${r.source} ${r.name}`, r] as const))('%s', (_name, row) => {
    expect(compilePattern(row.pattern)(row.event)).toBe(row.matches);
  });
});

describe('PatternSet conformance with the published examples', () => {
  it.each(rows.map((r) => [`${r.source} ${r.name}`, r] as const))('%s', (_name, row) => {
    expect(new PatternSet([{ id: row.name, pattern: row.pattern }]).match(row.event)).toEqual(row.matches ? [row.name] : []);
  });

  it("matches every row's event with exactly the rows' patterns compilePattern accepts, all in one set", () => {
    const set = new PatternSet(rows.map((row, id) => ({ id, pattern: row.pattern })));
    const single = rows.map((row) => compilePattern(row.pattern));

    for (const [i, row] of rows.entries()) {
      const found = set.match(row.event);
      expect(found).toEqual(single.flatMap((matches, id) => (matches(row.event) ? [id] : [])));
      expect(found.includes(i)).toBe(row.matches);
    }
  });
});
