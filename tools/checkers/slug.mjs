// github-slugger itself, the module GitHub's heading ids follow: `node slug.mjs JOB.json`.
// JOB.json is {"single": [text, ...], "sequences": [[text, ...], ...]}. Prints
// {"single": [slug(text), ...], "sequences": [[ids of one GithubSlugger over the list], ...]}:
// `single` is the stateless slug(), `sequences` numbers repeats (-1, -2) as on one page.
import fs from 'node:fs';
import GithubSlugger, { slug } from 'github-slugger';

const job = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const single = job.single.map((text) => slug(text));
const sequences = job.sequences.map((texts) => {
  const slugger = new GithubSlugger();
  return texts.map((text) => slugger.slug(text));
});
process.stdout.write(JSON.stringify({ single, sequences }));
