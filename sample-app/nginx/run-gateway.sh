#!/bin/sh
# Runs nginx in the foreground as a stand-in for API Gateway in front of the sample.
# Usage: sample-app/nginx/run-gateway.sh [gateway-port (8000)] [application-port (8080)]
# Needs nginx (Debian/Ubuntu: apt-get install nginx-light). Stop it with Ctrl-C.
set -eu
gateway_port=${1:-8000}
app_port=${2:-8080}
here=$(cd "$(dirname "$0")" && pwd)
prefix="$here/../target/nginx"
mkdir -p "$prefix/logs" "$prefix/temp"
sed -e "s/@GATEWAY_PORT@/$gateway_port/g" -e "s/@APP_PORT@/$app_port/g" "$here/nginx.conf" > "$prefix/nginx.conf"
echo "Gateway stand-in on http://127.0.0.1:$gateway_port -> http://127.0.0.1:$app_port (logs in $prefix/logs)"
exec nginx -p "$prefix/" -e logs/error.log -c nginx.conf -g 'daemon off;'
