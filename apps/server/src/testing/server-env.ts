/**
 * What tests and benchmarks start a server with: loopback `port`, data in `dataDir`, the first
 * admin, no web app, warnings only, and stubs on loopback reachable (outbound HTTP refuses
 * loopback unless allow-listed).
 */
export function childServerEnv(
  port: number,
  dataDir: string,
  admin: { email: string; password: string },
): Record<string, string> {
  return {
    PORT: String(port),
    HOST: '127.0.0.1',
    FLOWLINE_DATA_DIR: dataDir,
    FLOWLINE_ADMIN_EMAIL: admin.email,
    FLOWLINE_ADMIN_PASSWORD: admin.password,
    FLOWLINE_ALLOW_HOSTS: '127.0.0.1',
    FLOWLINE_WEB_DIST: '/nonexistent',
    LOG_LEVEL: 'warn',
  }
}
