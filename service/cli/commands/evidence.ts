// `idv evidence verify <file>`: checks an evidence file offline (signature, internal hashes, audit excerpt)
// with the published public keys only. `idv evidence keys`: prints this deployment's published key set.
import { readFileSync } from 'node:fs';
import type { CliContext } from '../index.js';
import { loadConfig } from '../../config/index.js';
import { loadEvidenceKeys, type PublishedKeySet } from '../../evidence/keys.js';
import { verifyEvidenceFile } from '../../evidence/evidence-file.js';

/** The key set from --keys (a saved /.well-known/idv-evidence-keys.json), else this deployment's own keys. */
export function readKeySet(path?: string): PublishedKeySet {
  if (path) {
    const k = JSON.parse(readFileSync(path, 'utf8')) as PublishedKeySet;
    if (!Array.isArray(k.keys)) throw new Error(`${path}: not a key set ({"keys": [...]})`);
    return k;
  }
  return loadEvidenceKeys(loadConfig()).published;
}

export function register({ program }: CliContext): void {
  const evidence = program.command('evidence').description('Signed evidence files of verifications');
  evidence
    .command('verify')
    .description(
      'Check an evidence file offline: signature, manifest and PDF digests, audit-chain excerpt; exit code 1 when anything does not match',
    )
    .argument('<file>', 'evidence file (GET /v1/verifications/:id/evidence)')
    .option(
      '--keys <file>',
      "published public keys (/.well-known/idv-evidence-keys.json); default: this deployment's",
    )
    .action((file: string, opts: { keys?: string }) => {
      const r = verifyEvidenceFile(readFileSync(file), readKeySet(opts.keys));
      process.stdout.write(`${JSON.stringify(r)}\n`);
      if (!r.ok) {
        for (const p of r.problems) process.stderr.write(`evidence verify: ${p}\n`);
        process.exitCode = 1;
      }
    });
  evidence
    .command('keys')
    .description(
      'Print the published public keys of this deployment (as served at /.well-known/idv-evidence-keys.json)',
    )
    .action(() => {
      process.stdout.write(`${JSON.stringify(loadEvidenceKeys(loadConfig()).published, null, 2)}\n`);
    });
}
