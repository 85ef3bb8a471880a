// tag::http-api[]
import { Stack } from 'aws-cdk-lib';
import { HttpApi, HttpMethod, MappingValue, ParameterMapping } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUrlIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
// end::http-api[]
import { Construct } from 'constructs';
import { BackendStackProps } from './backend';

/** The HTTP API (v2) recipe of docs/gateway-setup.md: a parameter mapping on an HTTP URL integration. */
export class HttpApiStack extends Stack {
  constructor(scope: Construct, id: string, props: BackendStackProps) {
    super(scope, id, props);
    const backendUrl = props.backendUrl;

    // tag::http-api[]
    const parameterMapping = new ParameterMapping()
      .overwriteHeader('x-dd-proxy', MappingValue.custom('aws-httpapi'))
      .overwriteHeader('x-dd-proxy-request-time-ms', MappingValue.custom('${context.requestTimeEpoch}000'))
      .overwriteHeader('x-dd-proxy-domain-name', MappingValue.contextVariable('domainName'))
      .overwriteHeader('x-dd-proxy-httpmethod', MappingValue.contextVariable('httpMethod'))
      .overwriteHeader('x-dd-proxy-path', MappingValue.contextVariable('path'))
      .overwriteHeader('x-dd-proxy-stage', MappingValue.contextVariable('stage'))
      .overwriteHeader('x-dd-proxy-resource-path', MappingValue.contextVariable('routeKey'))
      .overwriteHeader('x-dd-proxy-account-id', MappingValue.contextVariable('accountId'))
      .overwriteHeader('x-dd-proxy-api-id', MappingValue.contextVariable('apiId'))
      .overwriteHeader('x-dd-proxy-region', MappingValue.custom(Stack.of(this).region))
      .overwriteHeader('x-dd-proxy-request-id', MappingValue.contextVariable('requestId'));

    const api = new HttpApi(this, 'OrdersHttpApi');
    api.addRoutes({
      path: '/{proxy+}',
      methods: [HttpMethod.ANY],
      integration: new HttpUrlIntegration('Orders', `${backendUrl}/{proxy}`, { parameterMapping }),
    });
    // end::http-api[]
  }
}
