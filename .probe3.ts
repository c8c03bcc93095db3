import { createS3Storage } from './src/storage/s3.ts';
const l = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } });
const t = performance.now();
try { await createS3Storage({ bucket: 'mpr-in', endpoint: `http://127.0.0.1:${l.port}`, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }).list(); } catch (e: any) { console.log(`[${(performance.now()-t).toFixed(0)}ms]`, e.code, e.message); }
l.stop(true);
