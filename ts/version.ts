// tejit's version (package.json's; a test keeps the two equal).
/** The package version, as in package.json. */
export const version = "0.1.0";
