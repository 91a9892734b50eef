// The machine line: CPU model, cores, memory, Node version, date.
import { cpus, totalmem, release } from 'node:os'

export function machine() {
  const list = cpus()
  return {
    cpu: list[0]?.model?.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    os: `${process.platform} ${release()}`,
    date: new Date().toISOString(),
  }
}

export const machineLine = (m) => `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, ${m.os}, ${m.date}`
