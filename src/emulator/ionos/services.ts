/** The services that extend the IONOS emulator beyond the data center's compute and network. */
import type { IonosService } from "./store";

export const SERVICES: IonosService[] = [];
