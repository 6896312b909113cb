/** The flags every command that takes s3:// addresses accepts. */
export const S3_FLAGS = {
  profile: { type: "string" },
  endpoint: { type: "string" },
} as const;

export const S3_FLAGS_HELP = `  --profile NAME    the AWS profile for s3:// addresses (default $AWS_PROFILE, else 'default')
  --endpoint URL    an S3-compatible endpoint (default $AWS_ENDPOINT_URL, else the profile's, else AWS)
`;
