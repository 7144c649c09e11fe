import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { svelte } from '@sveltejs/vite-plugin-svelte'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  plugins: [
    svelte(),
    {
      // main.go embeds frontend/dist; the committed placeholder keeps `go vet`
      // and `go build` working on a fresh clone, so restore it after each build.
      name: 'keep-dist-placeholder',
      closeBundle() {
        writeFileSync(resolve(__dirname, 'dist/.gitkeep'), '')
      },
    },
  ],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  resolve: process.env.VITEST ? { conditions: ['browser'] } : undefined,
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
  },
})
