import { formatPath, parsePath } from '../../src/mapping';

describe('parsePath', () => {
  it.each([
    ['a', ['a']],
    ['a.b.c', ['a', 'b', 'c']],
    ['a[0].c', ['a', 0, 'c']],
    ['email.0.email', ['email', 0, 'email']],
    ['code.007', ['code', '007']],
    ["steps[1]['Persönliche Informationen']['email']", ['steps', 1, 'Persönliche Informationen', 'email']],
    ["steps[1].['Product Info'].price", ['steps', 1, 'Product Info', 'price']],
    ['["a.b"]', ['a.b']],
    ["['it\\'s']", ["it's"]],
    ['$meter.readings', ['$meter', 'readings']],
  ])('parses %s', (path, segments) => {
    expect(parsePath(path)).toEqual({ ok: true, segments });
  });

  it.each([
    ['', 'path is empty'],
    ['.a', 'empty segment at 0'],
    ['a..b', 'empty segment at 2'],
    ['a.', 'path ends with "."'],
    ['a[x]', 'expected an index or a quoted key inside "[...]" at 1'],
    ["a['b", 'unterminated quote starting at 2'],
    ['a]', 'unexpected "]" at 1'],
    ['a[0]b', 'unexpected "b" after "]" at 4'],
  ])('rejects %p', (path, reason) => {
    expect(parsePath(path)).toEqual({ ok: false, message: `invalid path "${path}": ${reason}` });
  });

  it('formats segments back into a path that parses to the same segments', () => {
    const segments = ['address', 0, 'Product Info', "it's"];
    const text = formatPath(segments);
    expect(text).toBe("address[0]['Product Info']['it\\'s']");
    expect(parsePath(text)).toEqual({ ok: true, segments });
  });
});
