// What the simulated bench can do to a board: every fault kind of the
// control protocol, "power" (off/on/cycle), and "armed" (a fault fired at a
// percentage of the next transfer).
export const SIM_FAULT_KINDS = ['power-cut', 'reset', 'usb-unplug', 'usb-replug', 'link', 'link-restore', 'fs-fill'] as const;

export const SIM_CAPABILITIES: readonly string[] = [...SIM_FAULT_KINDS, 'power', 'armed'];
