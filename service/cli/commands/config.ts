// `idv config check|docs`: validate the environment, or print every variable as a Markdown table.
import type { CliContext } from '../index.js';
import { describeEnv, loadConfig } from '../../config/index.js';

export function register({ program }: CliContext): void {
  const cfg = program.command('config').description('Configuration');
  cfg
    .command('check')
    .description('Validate the environment as the service would at start-up')
    .action(() => {
      const c = loadConfig();
      process.stdout.write(`configuration valid (port ${c.PORT}, data ${c.DATA_DIR})\n`);
    });
  cfg
    .command('docs')
    .description('Print every environment variable as a Markdown table')
    .action(() => {
      const rows = describeEnv().map(
        (v) => `| \`${v.name}\` | ${v.default ? `\`${v.default}\`` : ''} | ${v.description} |`,
      );
      process.stdout.write(['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n') + '\n');
    });
}
