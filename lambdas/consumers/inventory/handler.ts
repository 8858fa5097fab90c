// Placeholder entry point so the CDK app can name it; replaced by the real handler.
export const handler = async (): Promise<never> => {
  throw new Error('not implemented yet');
};
