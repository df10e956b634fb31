/**
 * The SQL of 0010-analytics-rollup, per dialect: triggers on `runs.status` and the backfill
 * of runs stored before them.
 *
 * A finished run adds 1 to one row: metric `path`, item `<status>|<path id>`. The path is
 * the sorted JSON array of what the run touched, each once (`r:n1` reached, `s:n1`
 * succeeded, `f:n8` failed, `t:n1->n2` edge taken), stored once in `analytics_paths`. The
 * run pool hands it over in `runs.analytics_path` with the end status (services/analytics/
 * run-path.ts, no parsing); otherwise (a run resumed after a wait or a restart, a cancel) it
 * is read from the stored trace, the only record of the edges a run took. Runs of a workflow
 * follow few distinct paths, so one upsert per finished run keeps every per-node and
 * per-edge count, an hour holds a short row per path seen, and readers expand each distinct
 * path once (services/analytics/rollup-reader.ts).
 */

const FINISHED = `('succeeded', 'failed', 'cancelled')`
const COUNTED = `IN ('node.started', 'node.finished', 'node.failed', 'edge.taken')`
const ROLLUP_KEY = '(workflow_id, bucket, version, metric, item, shard)'
const ROLLUP_COLUMNS = '(workflow_id, bucket, version, metric, item, shard, count)'
const PRODUCTION_RUNS = `r.kind = 'production' AND r.version IS NOT NULL`

/** A trace event's token; `retryInMs` marks a failure the step retries (not final). */
const tokenOf = (e: string) => `CASE ${e} ->> 'type' WHEN 'node.started' THEN 'r:'
  WHEN 'node.finished' THEN 's:' WHEN 'node.failed' THEN 'f:' ELSE 't:' END
  || coalesce(${e} ->> 'nodeId', ${e} ->> 'edgeId')`
const countedEvent = (e: string) => `${e} ->> 'type' ${COUNTED} AND (${e} ->> 'retryInMs') IS NULL`

// ---------------------------------------------------------------- SQLite

// jsonb_each: elements stay binary, so reading their fields parses nothing again (~40 % faster).
const sqliteEvents = 'run_trace t, jsonb_each(t.data) e'
const sqliteTracePath = (runId: string) => `SELECT json_group_array(token ORDER BY token) FROM (
  SELECT DISTINCT ${tokenOf('e.value')} AS token FROM ${sqliteEvents}
  WHERE t.run_id = ${runId} AND ${countedEvent('e.value')}) WHERE token IS NOT NULL`
/** A run's path: handed over by the run pool, else read from its trace (coalesce stops at the first). */
const sqlitePath = (run: string) => `coalesce(${run}.analytics_path, (${sqliteTracePath(`${run}.id`)}))`
const sqliteSuspendedAt = (runId: string) => `SELECT e.value ->> 'nodeId' FROM ${sqliteEvents}
  WHERE t.run_id = ${runId} AND e.value ->> 'type' = 'run.suspended' ORDER BY t.first_seq DESC, e.key DESC LIMIT 1`
const PRODUCTION = `NEW.kind = 'production' AND NEW.version IS NOT NULL`
const sqliteBump = `ON CONFLICT ${ROLLUP_KEY} DO UPDATE SET count = count + excluded.count`

export const sqliteRollupSql = {
  triggers: [
    // Upserts from INSERT … SELECT need a WHERE, or SQLite reads ON CONFLICT as a join's ON.
    // A trigger has no variables: a path read from the trace is read twice (rare: resumed runs).
    `CREATE TRIGGER analytics_run_finished AFTER UPDATE OF status ON runs
     WHEN ${PRODUCTION} AND NEW.status IN ${FINISHED} AND OLD.status NOT IN ${FINISHED}
     BEGIN
       INSERT INTO analytics_paths (signature) VALUES (${sqlitePath('NEW')}) ON CONFLICT (signature) DO NOTHING;
       INSERT INTO analytics_rollup ${ROLLUP_COLUMNS}
       SELECT NEW.workflow_id, substr(NEW.started_at, 1, 13), NEW.version, 'path', NEW.status || '|' || p.id, 0, 1
       FROM analytics_paths p WHERE p.signature = ${sqlitePath('NEW')}
       ${sqliteBump};
     END`,
    `CREATE TRIGGER analytics_run_waits AFTER UPDATE OF status ON runs
     WHEN ${PRODUCTION} AND NEW.status = 'waiting' AND OLD.status <> 'waiting'
     BEGIN
       INSERT INTO analytics_waiting (run_id, node_id)
       SELECT NEW.id, node FROM (SELECT (${sqliteSuspendedAt('NEW.id')}) AS node) WHERE node IS NOT NULL
       ON CONFLICT (run_id) DO UPDATE SET node_id = excluded.node_id;
       INSERT INTO analytics_rollup ${ROLLUP_COLUMNS}
       SELECT NEW.workflow_id, substr(NEW.started_at, 1, 13), NEW.version, 'waiting', node_id, 0, 1
       FROM analytics_waiting WHERE run_id = NEW.id
       ${sqliteBump};
     END`,
    `CREATE TRIGGER analytics_run_leaves_wait AFTER UPDATE OF status ON runs
     WHEN OLD.status = 'waiting' AND NEW.status <> 'waiting'
     BEGIN
       INSERT INTO analytics_rollup ${ROLLUP_COLUMNS}
       SELECT NEW.workflow_id, substr(NEW.started_at, 1, 13), NEW.version, 'waiting', node_id, 0, -1
       FROM analytics_waiting WHERE run_id = NEW.id
       ${sqliteBump};
       DELETE FROM analytics_waiting WHERE run_id = NEW.id;
     END`,
  ],
  backfill: [
    `CREATE TEMPORARY TABLE analytics_backfill AS
     SELECT r.workflow_id, substr(r.started_at, 1, 13) AS bucket, r.version, r.status, ${sqlitePath('r')} AS signature
     FROM runs r WHERE ${PRODUCTION_RUNS} AND r.status IN ${FINISHED}`,
    `INSERT INTO analytics_paths (signature) SELECT DISTINCT signature FROM analytics_backfill WHERE true
     ON CONFLICT (signature) DO NOTHING`,
    `INSERT INTO analytics_rollup ${ROLLUP_COLUMNS}
     SELECT b.workflow_id, b.bucket, b.version, 'path', b.status || '|' || p.id, 0, count(*)
     FROM analytics_backfill b JOIN analytics_paths p ON p.signature = b.signature
     GROUP BY b.workflow_id, b.bucket, b.version, b.status, p.id`,
    'DROP TABLE analytics_backfill',
    `INSERT INTO analytics_waiting (run_id, node_id)
     SELECT id, node FROM (SELECT r.id, (${sqliteSuspendedAt('r.id')}) AS node FROM runs r
       WHERE ${PRODUCTION_RUNS} AND r.status = 'waiting') WHERE node IS NOT NULL`,
    `INSERT INTO analytics_rollup ${ROLLUP_COLUMNS}
     SELECT r.workflow_id, substr(r.started_at, 1, 13), r.version, 'waiting', w.node_id, 0, count(*)
     FROM analytics_waiting w JOIN runs r ON r.id = w.run_id
     GROUP BY r.workflow_id, substr(r.started_at, 1, 13), r.version, w.node_id`,
  ],
}

// ---------------------------------------------------------------- PostgreSQL

const pgEvents = 'run_trace t, jsonb_array_elements(t.data::jsonb) WITH ORDINALITY AS e(value, key)'
const pgTracePath = (runId: string) => `SELECT coalesce(json_agg(token ORDER BY token)::text, '[]') FROM (
  SELECT DISTINCT ${tokenOf('e.value')} AS token FROM ${pgEvents}
  WHERE t.run_id = ${runId} AND ${countedEvent('e.value')}) tokens WHERE token IS NOT NULL`
const pgPath = (run: string) => `coalesce(${run}.analytics_path, (${pgTracePath(`${run}.id`)}))`
const pgSuspendedAt = (runId: string) => `SELECT e.value ->> 'nodeId' FROM ${pgEvents}
  WHERE t.run_id = ${runId} AND e.value ->> 'type' = 'run.suspended' ORDER BY t.first_seq DESC, e.key DESC LIMIT 1`
const pgBump = `ON CONFLICT ${ROLLUP_KEY} DO UPDATE SET count = analytics_rollup.count + excluded.count`

export const postgresRollupSql = {
  triggers: [
    `CREATE FUNCTION analytics_on_run_status() RETURNS trigger LANGUAGE plpgsql AS $$
     DECLARE
       b text := substr(NEW.started_at, 1, 13);
       s integer := pg_backend_pid();
       node text;
       path text;
       path_id integer;
     BEGIN
       IF NEW.kind <> 'production' OR NEW.version IS NULL OR NEW.status = OLD.status THEN RETURN NULL; END IF;
       IF OLD.status = 'waiting' THEN
         DELETE FROM analytics_waiting WHERE run_id = NEW.id RETURNING node_id INTO node;
         IF node IS NOT NULL THEN
           INSERT INTO analytics_rollup ${ROLLUP_COLUMNS} VALUES (NEW.workflow_id, b, NEW.version, 'waiting', node, s, -1) ${pgBump};
         END IF;
       END IF;
       IF NEW.status = 'waiting' THEN
         node := (${pgSuspendedAt('NEW.id')});
         IF node IS NOT NULL THEN
           INSERT INTO analytics_waiting (run_id, node_id) VALUES (NEW.id, node)
             ON CONFLICT (run_id) DO UPDATE SET node_id = excluded.node_id;
           INSERT INTO analytics_rollup ${ROLLUP_COLUMNS} VALUES (NEW.workflow_id, b, NEW.version, 'waiting', node, s, 1) ${pgBump};
         END IF;
       ELSIF NEW.status IN ${FINISHED} AND OLD.status NOT IN ${FINISHED} THEN
         path := ${pgPath('NEW')};
         -- Looked up first: an INSERT … ON CONFLICT would use up a serial number per run.
         SELECT id INTO path_id FROM analytics_paths WHERE md5(signature) = md5(path);
         IF path_id IS NULL THEN
           INSERT INTO analytics_paths (signature) VALUES (path) ON CONFLICT ((md5(signature))) DO NOTHING;
           SELECT id INTO path_id FROM analytics_paths WHERE md5(signature) = md5(path);
         END IF;
         INSERT INTO analytics_rollup ${ROLLUP_COLUMNS}
         VALUES (NEW.workflow_id, b, NEW.version, 'path', NEW.status || '|' || path_id, s, 1) ${pgBump};
       END IF;
       RETURN NULL;
     END $$`,
    `CREATE TRIGGER analytics_run_status AFTER UPDATE OF status ON runs
     FOR EACH ROW EXECUTE FUNCTION analytics_on_run_status()`,
  ],
  backfill: [
    `CREATE TEMPORARY TABLE analytics_backfill AS
     SELECT r.workflow_id, substr(r.started_at, 1, 13) AS bucket, r.version, r.status, ${pgPath('r')} AS signature
     FROM runs r WHERE ${PRODUCTION_RUNS} AND r.status IN ${FINISHED}`,
    `INSERT INTO analytics_paths (signature) SELECT DISTINCT signature FROM analytics_backfill
     ON CONFLICT ((md5(signature))) DO NOTHING`,
    `INSERT INTO analytics_rollup ${ROLLUP_COLUMNS}
     SELECT b.workflow_id, b.bucket, b.version, 'path', b.status || '|' || p.id, 0, count(*)
     FROM analytics_backfill b JOIN analytics_paths p ON md5(p.signature) = md5(b.signature)
     GROUP BY b.workflow_id, b.bucket, b.version, b.status, p.id`,
    'DROP TABLE analytics_backfill',
    `INSERT INTO analytics_waiting (run_id, node_id)
     SELECT id, node FROM (SELECT r.id, (${pgSuspendedAt('r.id')}) AS node FROM runs r
       WHERE ${PRODUCTION_RUNS} AND r.status = 'waiting') w WHERE node IS NOT NULL`,
    `INSERT INTO analytics_rollup ${ROLLUP_COLUMNS}
     SELECT r.workflow_id, substr(r.started_at, 1, 13), r.version, 'waiting', w.node_id, 0, count(*)
     FROM analytics_waiting w JOIN runs r ON r.id = w.run_id
     GROUP BY r.workflow_id, substr(r.started_at, 1, 13), r.version, w.node_id`,
  ],
}
