// The package a bare module specifier names: `kysely` for `kysely/helpers/postgres`, `@scope/pkg`
// for `@scope/pkg/sub`. The build (which packages to bundle) and the tests (which packages dist/
// imports) ask it of the same specifiers.
export function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}
