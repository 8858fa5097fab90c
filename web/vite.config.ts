import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Built into web/dist by localstack/stand-ins/web/build.ts (local cloud start) and uploaded to S3 behind CloudFront in AWS.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  logLevel: 'warn',
});
