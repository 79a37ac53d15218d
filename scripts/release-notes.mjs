// Prints the CHANGELOG.md section of one version (the release notes), or fails when it is missing.
// Usage: node scripts/release-notes.mjs 1.2.3
import { readFileSync } from 'node:fs'

const version = process.argv[2]
const changelog = readFileSync(new URL('../CHANGELOG.md', import.meta.url), 'utf8')
const sections = changelog.split(/^## /m).slice(1)
const section = sections.find((text) => text.split('\n')[0].trim() === version)
if (!version || !section) {
  process.stderr.write(`CHANGELOG.md has no "## ${version}" section: add one before tagging\n`)
  process.exit(1)
}
process.stdout.write(section.split('\n').slice(1).join('\n').trim() + '\n')
