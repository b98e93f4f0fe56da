/** The image the manifests run by default; the release tags it with the CLI's version. */
export const DEFAULT_IMAGE = 'ghcr.io/faultline-dev/faultline:0.1.0';
