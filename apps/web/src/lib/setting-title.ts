/** A config field's name as the form titles it: `externalUserId` → "External user ID". */
export const settingTitle = (name: string) =>
  // The connection picker is titled by what it picks, not by the id it stores.
  name === 'connectionId'
    ? 'Connection'
    : name
        .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
        .replace(/[-_]/g, ' ')
        .replace(/^./, (c) => c.toUpperCase())
        .replace(/\bMs\b/, '(ms)')
        .replace(/\bId\b/, 'ID')
        .replace(/\bUrl\b/, 'URL')
