export { testFaultProviderContract, faultContext } from './provider-contract.js';
export type { ContractFixture, ContractOptions } from './provider-contract.js';
export { MemoryJournal, FakeBackend, fakeFaultProvider, fakePlugin, scriptedProbe, fakeRegistry, experiment } from './fakes.js';
