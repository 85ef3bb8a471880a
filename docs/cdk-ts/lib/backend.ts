import { StackProps } from 'aws-cdk-lib';

/** A stack that forwards to the application at backendUrl. */
export interface BackendStackProps extends StackProps {
  readonly backendUrl: string;
}
