export { testFaultProviderContract, faultContext } from './provider-contract.js';
export type { ContractFixture, ContractOptions } from './provider-contract.js';
