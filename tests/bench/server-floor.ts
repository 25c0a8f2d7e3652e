// The floor: the least a handler can do for the same requests on the same data. One query,
// JSON.stringify, no framework, no validation, no auth. Run as its own process by server.ts:
// DATABASE_URL=… node --import tsx tests/bench/server-floor.ts (prints its port).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });

const server = createServer(async (request, response) => {
  try {
    const url = new URL(request.url ?? '/', 'http://floor');
    const target = url.searchParams.get('target') ?? '';
    if (url.pathname === '/conditional') {
      const { rows } = await pool.query(
        'SELECT revision FROM page_revisions WHERE target_source = $1',
        [target],
      );
      response.writeHead(304, { ETag: `"${rows[0]?.revision ?? 0}"` }).end();
      return;
    }
    const ids = url.searchParams.get('ids');
    const { rows } = ids
      ? await pool.query(
          `SELECT id, document, status, vote_count, reply_count, modified_at FROM annotations
            WHERE id = ANY($1::uuid[]) AND deleted_at IS NULL ORDER BY seq`,
          [ids.split(',')],
        )
      : await pool.query(
          `SELECT id, document, status, vote_count, reply_count, modified_at FROM annotations
            WHERE target_source = $1 AND kind = 'suggestion' AND deleted_at IS NULL
            ORDER BY seq LIMIT 101`,
          [target],
        );
    const items = rows.map((row) => ({
      id: `http://floor/annotations/${row.id}`,
      ...row.document,
      status: row.status,
      voteCount: row.vote_count,
      replyCount: row.reply_count,
      modified: row.modified_at,
    }));
    response
      .writeHead(200, { 'Content-Type': 'application/ld+json' })
      .end(JSON.stringify({ type: 'AnnotationCollection', total: items.length, first: { items } }));
  } catch (error) {
    response.writeHead(500).end(String(error));
  }
});

server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ msg: 'started', port: (server.address() as AddressInfo).port }));
});
process.once('SIGTERM', () => {
  server.close();
  void pool.end();
});
