/** The local fake clouds, for tests, benchmarks and trying the package without an account. */
export { startContaboEmulator, type ContaboEmulator, type ContaboEmulatorOptions } from "./contabo/emulator";
export { FAULT_KINDS, FaultInjector, type FaultKind } from "./faults";
export { startIonosEmulator, type IonosEmulator, type IonosEmulatorOptions } from "./ionos/emulator";
export { startOvhEmulator, type OvhEmulator, type OvhEmulatorOptions } from "./ovh/emulator";
