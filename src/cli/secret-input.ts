// Reading a secret for the CLI: all of stdin (for scripts: `echo "$PW" | sluice users add alice
// --password-stdin`), or a prompt on the terminal that does not echo what is typed.
import { createInterface } from 'node:readline';

export async function readSecret(prompt: string, fromStdin: boolean): Promise<string> {
  if (fromStdin) return (await readAll(process.stdin)).replace(/\r?\n$/, '');
  if (!process.stdin.isTTY) throw new Error('no terminal to ask for the password on: pass --password-stdin and pipe it in');
  return promptHidden(prompt);
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

function promptHidden(prompt: string): Promise<string> {
  return new Promise((resolve) => {
    const terminal = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    // Echo nothing of what is typed after the prompt.
    const output = terminal as unknown as { _writeToOutput: (text: string) => void };
    process.stderr.write(prompt);
    output._writeToOutput = () => {};
    terminal.question('', (answer) => {
      terminal.close();
      process.stderr.write('\n');
      resolve(answer);
    });
  });
}
