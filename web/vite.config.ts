import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// A static bundle: `npm run build` writes dist/, which any web server serves as it is.
export default defineConfig({
  plugins: [react()],
  base: './',
  build: { target: 'es2022', chunkSizeWarningLimit: 2048 },
  test: { environment: 'jsdom', include: ['test/**/*.test.{ts,tsx}'] },
});
