/**
 * Metadata every `HoldlineFunction` carries in the template: the repo-relative entry file and the exported handler.
 * The local runtime, the diagram and the drills find functions by them, so they are defined once, here, in a module
 * light enough for any of them to import (no CDK constructs).
 */
export const ENTRY_METADATA = 'holdline:entry';
export const HANDLER_METADATA = 'holdline:handler';
