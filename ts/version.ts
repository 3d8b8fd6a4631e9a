// tejit's version (package.json's; a test keeps the two equal).
export const version = "0.1.0";
