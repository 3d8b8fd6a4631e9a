// The seed program (../shared/seed/te-extern-question.txt), in tejit.
console.log("tejit demo: not yet implemented");
