import { spawn } from 'node:child_process';

/**
 * Runs a script in a Node process of its own (same flags, so the same TypeScript loader) and
 * parses the JSON it prints: a load generator or a measured run kept apart from the process
 * that measures it.
 */
export function runJsonChild<T>(script: string, args: string[], what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...process.execArgv, script, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (chunk: string) => {
      out += chunk;
    });
    proc.on('error', reject);
    proc.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${what} exited with ${code}`));
      try {
        resolve(JSON.parse(out) as T);
      } catch (error) {
        reject(new Error(`${what} printed no result: ${String(error)}`));
      }
    });
  });
}
