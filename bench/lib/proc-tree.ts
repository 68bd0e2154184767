import { readdirSync, readFileSync } from 'node:fs'

/** Clock ticks per second for /proc/<pid>/stat times; 100 on every Linux build that matters. */
const CLK_TCK = 100

/** One process as seen in /proc: memory in bytes, CPU in seconds (own threads, not children). */
export interface ProcSample {
  pid: number
  ppid: number
  rssBytes: number
  hwmBytes: number
  cpuS: number
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return null // the process exited between listing and reading: normal under polling
  }
}

/** Parent pid from /proc/<pid>/stat (the command name may hold spaces and parentheses). */
export function readPpid(pid: number): number | null {
  const stat = readText(`/proc/${pid}/stat`)
  if (stat === null) return null
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return Number(fields[1])
}

/** VmRSS, VmHWM and utime+stime of one process, or null when it is gone. */
export function sampleProcess(pid: number): ProcSample | null {
  const stat = readText(`/proc/${pid}/stat`)
  const status = readText(`/proc/${pid}/status`)
  if (stat === null || status === null) return null
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // After the command name: state(0) ppid(1) ... utime(11) stime(12).
  const cpuS = (Number(f[11]) + Number(f[12])) / CLK_TCK
  return { pid, ppid: Number(f[1]), rssBytes: kb(status, 'VmRSS') * 1024, hwmBytes: kb(status, 'VmHWM') * 1024, cpuS }
}

function kb(status: string, key: string): number {
  const m = new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)
  return m ? Number(m[1]) : 0 // kernel threads and zombies have no Vm lines
}

/** Every live descendant of `root` (not root itself), found by scanning /proc for parent links. */
export function descendantsOf(root: number): number[] {
  const parent = new Map<number, number>()
  for (const name of readdirSync('/proc')) {
    const pid = Number(name)
    if (!Number.isInteger(pid)) continue
    const ppid = readPpid(pid)
    if (ppid !== null) parent.set(pid, ppid)
  }
  const tree = new Set([root])
  let grew = true
  while (grew) {
    grew = false
    for (const [pid, ppid] of parent) {
      if (!tree.has(pid) && tree.has(ppid)) {
        tree.add(pid)
        grew = true
      }
    }
  }
  tree.delete(root)
  return [...tree]
}
