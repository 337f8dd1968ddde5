/** The services that extend the IONOS emulator beyond the data center's compute and network. */
import type { IonosService } from "./store";
import { KUBERNETES } from "./k8s";
import { LOAD_BALANCERS } from "./load-balancers";
import { NAT_BACKUP_SNAPSHOT } from "./nat-backup-snapshot";
import { USER_MANAGEMENT } from "./user-management";

export const SERVICES: IonosService[] = [KUBERNETES, LOAD_BALANCERS, NAT_BACKUP_SNAPSHOT, USER_MANAGEMENT];
