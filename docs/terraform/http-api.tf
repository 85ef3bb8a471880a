# HTTP API (v2): a greedy ANY /{proxy+} route to an HTTP proxy integration that maps the gateway headers.

resource "aws_apigatewayv2_api" "orders" {
  name          = "orders"
  protocol_type = "HTTP"
}

# tag::http-api[]
resource "aws_apigatewayv2_integration" "orders" {
  api_id             = aws_apigatewayv2_api.orders.id
  integration_type   = "HTTP_PROXY"
  integration_method = "ANY"
  integration_uri    = "${var.backend_url}/{proxy}"

  request_parameters = {
    "overwrite:header.x-dd-proxy"                 = "aws-httpapi"
    "overwrite:header.x-dd-proxy-request-time-ms" = "$${context.requestTimeEpoch}000"
    "overwrite:header.x-dd-proxy-domain-name"     = "$context.domainName"
    "overwrite:header.x-dd-proxy-httpmethod"      = "$context.httpMethod"
    "overwrite:header.x-dd-proxy-path"            = "$context.path"
    "overwrite:header.x-dd-proxy-stage"           = "$context.stage"
    "overwrite:header.x-dd-proxy-resource-path"   = "$context.routeKey"
    "overwrite:header.x-dd-proxy-account-id"      = "$context.accountId"
    "overwrite:header.x-dd-proxy-api-id"          = "$context.apiId"
    "overwrite:header.x-dd-proxy-region"          = var.aws_region
    "overwrite:header.x-dd-proxy-request-id"      = "$context.requestId"
  }
}
# end::http-api[]

resource "aws_apigatewayv2_route" "orders" {
  api_id    = aws_apigatewayv2_api.orders.id
  route_key = "ANY /{proxy+}"
  target    = "integrations/${aws_apigatewayv2_integration.orders.id}"
}

resource "aws_apigatewayv2_stage" "prod" {
  api_id      = aws_apigatewayv2_api.orders.id
  name        = "prod"
  auto_deploy = true
}
