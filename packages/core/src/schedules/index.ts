export { computeFireTime, type FireTimeResult, type ScheduleBaseContext } from './computeFireTime';
export { isWindowOpen } from './isWindowOpen';
export { nextWindowTime } from './nextWindowTime';
export { readAttribute } from './readAttribute';
export { resolveWindowZone } from './resolveWindowZone';
