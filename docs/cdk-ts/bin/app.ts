import { App } from 'aws-cdk-lib';
import { HttpApiStack } from '../lib/http-api-stack';
import { RestApiStack } from '../lib/rest-api-stack';

// Environment-agnostic stacks: synthesized without an AWS account, the region stays AWS::Region.
const app = new App();
const backendUrl = 'https://orders.internal.example.com';
new RestApiStack(app, 'GatewaySetupRestApi', { backendUrl });
new HttpApiStack(app, 'GatewaySetupHttpApi', { backendUrl });
