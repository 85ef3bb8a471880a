# REST API (v1): GET /orders/{id}, an HTTP proxy integration that maps the gateway headers.

resource "aws_api_gateway_rest_api" "orders" {
  name = "orders"
}

resource "aws_api_gateway_resource" "orders" {
  rest_api_id = aws_api_gateway_rest_api.orders.id
  parent_id   = aws_api_gateway_rest_api.orders.root_resource_id
  path_part   = "orders"
}

resource "aws_api_gateway_resource" "order" {
  rest_api_id = aws_api_gateway_rest_api.orders.id
  parent_id   = aws_api_gateway_resource.orders.id
  path_part   = "{id}"
}

resource "aws_api_gateway_method" "get_order" {
  rest_api_id   = aws_api_gateway_rest_api.orders.id
  resource_id   = aws_api_gateway_resource.order.id
  http_method   = "GET"
  authorization = "NONE"

  request_parameters = { "method.request.path.id" = true }
}

# tag::rest-api[]
resource "aws_api_gateway_integration" "get_order" {
  rest_api_id             = aws_api_gateway_rest_api.orders.id
  resource_id             = aws_api_gateway_resource.order.id
  http_method             = aws_api_gateway_method.get_order.http_method
  type                    = "HTTP_PROXY"
  integration_http_method = "GET"
  uri                     = "${var.backend_url}/orders/{id}"

  request_parameters = {
    "integration.request.path.id"                           = "method.request.path.id"
    "integration.request.header.x-dd-proxy"                 = "'aws-apigateway'"
    "integration.request.header.x-dd-proxy-request-time-ms" = "context.requestTimeEpoch"
    "integration.request.header.x-dd-proxy-domain-name"     = "context.domainName"
    "integration.request.header.x-dd-proxy-httpmethod"      = "context.httpMethod"
    "integration.request.header.x-dd-proxy-path"            = "context.path"
    "integration.request.header.x-dd-proxy-stage"           = "context.stage"
    "integration.request.header.x-dd-proxy-resource-path"   = "context.resourcePath"
    "integration.request.header.x-dd-proxy-account-id"      = "context.accountId"
    "integration.request.header.x-dd-proxy-api-id"          = "context.apiId"
    "integration.request.header.x-dd-proxy-region"          = "'${var.aws_region}'"
    "integration.request.header.x-dd-proxy-request-id"      = "context.requestId"
  }
}
# end::rest-api[]

# tag::rest-api-deployment[]
resource "aws_api_gateway_deployment" "orders" {
  rest_api_id = aws_api_gateway_rest_api.orders.id

  triggers = {
    redeployment = sha1(jsonencode([aws_api_gateway_integration.get_order]))
  }

  lifecycle {
    create_before_destroy = true
  }
}
# end::rest-api-deployment[]

resource "aws_api_gateway_stage" "prod" {
  rest_api_id   = aws_api_gateway_rest_api.orders.id
  deployment_id = aws_api_gateway_deployment.orders.id
  stage_name    = "prod"
}
