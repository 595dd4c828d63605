// `npm run bench`: the national-scale benchmarks arrive with the scale capability.
// Each will print its figures and the ratio to a raw better-sqlite3 baseline measured in the same run.
console.log('no benchmarks yet');
