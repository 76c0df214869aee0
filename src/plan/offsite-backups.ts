import type { StackSettings } from "../stack/settings";
import type { AnsibleValue } from "./panels";

/** The backup role's variables for sending a node's backups off the node. The node's
 *  repository is `<bucket>/<hostname>`: named after the node, so a rebuilt node and a
 *  successor (`replaces:`) find it without any other record. The secret key and the
 *  repository password are not here: they reach the node through provision's secrets. */
export function offsiteBackupVars(settings: StackSettings, hostname: string, backupsEnabled: boolean): Record<string, AnsibleValue> {
  const offsite = settings.offsiteBackups;
  if (!offsite || !backupsEnabled) return { backup_offsite_enabled: false };
  return {
    backup_offsite_enabled: true,
    backup_offsite_endpoint: offsite.endpoint.replace(/\/$/, ""),
    backup_offsite_bucket: offsite.bucket,
    backup_offsite_region: offsite.region,
    backup_offsite_prefix: hostname,
    backup_offsite_access_key_id: offsite.accessKeyId,
    backup_offsite_keep_daily: offsite.keep.daily,
    backup_offsite_keep_weekly: offsite.keep.weekly,
    backup_offsite_keep_monthly: offsite.keep.monthly,
    backup_offsite_check_schedule: offsite.checkSchedule,
  };
}
