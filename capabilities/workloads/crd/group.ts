// The API group every workload kind belongs to, and the names each kind is known by. A leaf module:
// the builders stamp these on children, so it must not import the kinds themselves.

export const GROUP = "highlander.plexobject.io";
export const VERSION = "v1";
export const API_VERSION = `${GROUP}/${VERSION}`;

/** How one kind is spelled: the CRD's names, the label tag and the config file's list. */
export interface KindNames {
  kind: string;
  /** Short lower-case tag used in labels and metrics (`highlander.plexobject.io/kind`). */
  type: string;
  plural: string;
  singular: string;
  shortNames: readonly string[];
  /** The config file's list of this kind under `workloads:` (the predecessor's name). */
  configList: string;
}
