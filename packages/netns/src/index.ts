export {
  findContainerNetns, findNetnsByInode, listNetns, netnsInodeOf, hostNetnsInode, refreshHandle, cgroupNamesContainer, hostProc,
} from './locate/netns-handle.js';
export type { NetnsHandle, ProcFs } from './locate/netns-handle.js';
export { NetnsExec, NetnsCommandError, NetnsGoneError } from './exec/netns-exec.js';
export type { ExecContext } from './exec/netns-exec.js';
export { TaggedRules, LEDGER_CHAIN, splitRule, commentOf, parseTaggedRules } from './iptables/tagged-rules.js';
export type { RuleSpec, TaggedRule, Table } from './iptables/tagged-rules.js';
export { Qdiscs, QDISC_HANDLE, bandwidthCommands, netemCommands, parseRootQdiscs, parseDevices } from './tc/qdiscs.js';
export type { RootQdisc } from './tc/qdiscs.js';
export {
  partitionParams, lossParams, checkLossParams, bandwidthParams, latencyParams, checkPartitionParams, checkBandwidthParams, checkLatencyParams, cidrProblem, parseHostPort,
} from './scope/params.js';
export type { PartitionParams, LossParams, BandwidthParams, LatencyParams, ParamProblem } from './scope/params.js';
export { partitionRules, lossRules } from './scope/partition-rules.js';
export { PROXY_GID, redirectRules, findLatencyProxies } from './latency/latency-proxy.js';
export { PROXY_MARKER } from './latency/proxy-config.js';
export { preflight, kernelRelease } from './preflight/preflight.js';
export type { NodeCapabilities } from './preflight/preflight.js';
export { NetnsFaults } from './netns-faults.js';
export type { NetnsUndo, NetnsLeftover, NetnsFaultParams } from './netns-faults.js';
export { latencyEffect, lossEffect, partitionEffect, bandwidthEffect } from './measure/effect.js';
export { probeInNetns, serveInNetns } from './measure/in-netns.js';
export type { ProbeJob, ServerJob, NetnsServer } from './measure/in-netns.js';
export { AGENT_FAULT_KINDS } from './agent-contract/agent-contract.js';
export type { AgentFaultKind, AgentApplyRequest, AgentRenewRequest, AgentFaultStatus, AgentErrorBody } from './agent-contract/agent-contract.js';
