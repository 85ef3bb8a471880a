// tag::rest-api[]
import { Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
// end::rest-api[]
import { Construct } from 'constructs';
import { BackendStackProps } from './backend';

/** The REST API (v1) recipe of docs/gateway-setup.md: an HTTP proxy integration on a {proxy+} resource. */
export class RestApiStack extends Stack {
  constructor(scope: Construct, id: string, props: BackendStackProps) {
    super(scope, id, props);
    const backendUrl = props.backendUrl;

    // tag::rest-api[]
    const gatewayHeaders: Record<string, string> = {
      'integration.request.header.x-dd-proxy': "'aws-apigateway'",
      'integration.request.header.x-dd-proxy-request-time-ms': 'context.requestTimeEpoch',
      'integration.request.header.x-dd-proxy-domain-name': 'context.domainName',
      'integration.request.header.x-dd-proxy-httpmethod': 'context.httpMethod',
      'integration.request.header.x-dd-proxy-path': 'context.path',
      'integration.request.header.x-dd-proxy-stage': 'context.stage',
      'integration.request.header.x-dd-proxy-resource-path': 'context.resourcePath',
      'integration.request.header.x-dd-proxy-account-id': 'context.accountId',
      'integration.request.header.x-dd-proxy-api-id': 'context.apiId',
      'integration.request.header.x-dd-proxy-region': `'${Stack.of(this).region}'`,
      'integration.request.header.x-dd-proxy-request-id': 'context.requestId',
    };

    const api = new apigateway.RestApi(this, 'OrdersApi');
    api.root.addProxy({
      anyMethod: true,
      defaultIntegration: new apigateway.HttpIntegration(`${backendUrl}/{proxy}`, {
        httpMethod: 'ANY',
        proxy: true,
        options: {
          requestParameters: {
            'integration.request.path.proxy': 'method.request.path.proxy',
            ...gatewayHeaders,
          },
        },
      }),
      defaultMethodOptions: {
        requestParameters: { 'method.request.path.proxy': true },
      },
    });
    // end::rest-api[]
  }
}
