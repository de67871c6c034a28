// The modules a compiled JavaScript file imports, read from its syntax tree (acorn) rather than
// matched in its text: static imports and re-exports, dynamic import(), and require/__require of a
// bundled CommonJS package. A regular expression also matches what comments and strings show
// (kysely's docs hold `from 'person'`) and misses the dynamic forms.
import { readFileSync } from 'node:fs';
import { parse } from 'acorn';
import { simple } from 'acorn-walk';

/** Every module specifier `file` imports, in the order they appear. */
export function importsOf(file: string): string[] {
  const found: string[] = [];
  const source = (node: { source?: object | null }) => {
    const value = (node.source as { value?: unknown } | null | undefined)?.value;
    if (typeof value === 'string') found.push(value);
  };
  simple(
    parse(readFileSync(file, 'utf8'), { ecmaVersion: 'latest', sourceType: 'module', allowHashBang: true }),
    {
      ImportDeclaration: source,
      ExportNamedDeclaration: source,
      ExportAllDeclaration: source,
      ImportExpression: source,
      CallExpression(node) {
        // A bundled CommonJS package requires what it does not hold through require/__require.
        const [arg] = node.arguments;
        const callee = node.callee.type === 'Identifier' ? node.callee.name : '';
        if (
          (callee === 'require' || callee === '__require') &&
          arg?.type === 'Literal' &&
          typeof arg.value === 'string'
        )
          found.push(arg.value);
      },
    },
  );
  return found;
}
