/** The committed bundle, run as a real process the way users and CI run it. */
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describeWithShared, SHARED } from './support/shared.js'

function cli(args: string[]) {
  return spawnSync(process.execPath, ['dist/cli.js', ...args], {
    encoding: 'utf8',
    timeout: 120_000
  })
}

describe('dist/cli.js', () => {
  it('runs the README example on the bundled sample', () => {
    const result = cli([
      'detect',
      'fixtures/runs/s3-quests-coreprotect',
      '--plugin-packages',
      'fixtures/plugin-packages.json'
    ])
    expect(result.stderr).toBe('')
    expect(result.status).toBe(0)
    expect(result.stdout).toContain(
      '| Server thread | CoreProtect ← Quests | `pread64`<br>`/srv/…/CoreProtect/database.db` |'
    )
  })
})

describeWithShared('dist/cli.js on malformed files', () => {
  it('survives the whole malformed-parquet corpus in one process', () => {
    const corpus = join(SHARED, 'corpus/parquet-testing/bad_data')
    const bad = existsSync(corpus) ? readdirSync(corpus).map((name) => join(corpus, name)) : []
    const result = cli(['detect', ...bad, 'fixtures/runs/l0-only'])
    expect(result.status).toBe(2)
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(bad.length)
    expect(result.stderr).not.toMatch(/^\s+at |warning/m)
    expect(result.stdout).toContain('l0-only #0')
  })
})

describe('the npm package', () => {
  it('holds only what a user needs, and installs no dependency', () => {
    const packed = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      encoding: 'utf8',
      timeout: 120_000
    })
    expect(packed.status).toBe(0)
    const [{ files }] = JSON.parse(packed.stdout) as [{ files: { path: string }[] }]
    const paths = files.map((file) => file.path)
    expect(
      paths.every((path) =>
        /^(dist\/|docs\/|schema\/|action\.yml$|README\.md$|LICENSE$|CHANGELOG\.md$|package\.json$)/.test(
          path
        )
      )
    ).toBe(true)
    expect(paths).toEqual(expect.arrayContaining(['dist/cli.js', 'LICENSE', 'action.yml']))
    const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as Record<string, unknown>
    // dist/ is self-contained: everything it bundles is a devDependency
    expect(manifest.dependencies ?? {}).toEqual({})
  })

  it('installs globally from its tarball and answers --version', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iostorm-pack-'))
    try {
      const options = { encoding: 'utf8' as const, timeout: 120_000 }
      expect(spawnSync('npm', ['pack', '--pack-destination', dir], options).status).toBe(0)
      const tarball = readdirSync(dir).find((name) => name.endsWith('.tgz')) as string
      const install = spawnSync(
        'npm',
        [
          'install',
          '--global',
          '--prefix',
          join(dir, 'global'),
          '--no-audit',
          '--no-fund',
          join(dir, tarball)
        ],
        options
      )
      expect(install.status).toBe(0)
      expect(install.stdout).toMatch(/added 1 package/)
      const version = spawnSync(join(dir, 'global/bin/iostorm'), ['--version'], options)
      expect(version.stdout.trim()).toBe(
        (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version
      )
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('the release', () => {
  it('has release notes for the version in package.json', () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }
    const notes = spawnSync(process.execPath, ['scripts/release-notes.mjs', version], {
      encoding: 'utf8'
    })
    expect(notes.status).toBe(0)
    expect(notes.stdout.length).toBeGreaterThan(20)
    const missing = spawnSync(process.execPath, ['scripts/release-notes.mjs', '999.0.0'], {
      encoding: 'utf8'
    })
    expect(missing.status).toBe(1)
  })
})
