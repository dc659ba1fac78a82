#!/usr/bin/env bash
# Zeppelin's interpreter launcher (zeppelin.interpreter.remoterunner) for a ZEPPELIN_HOME assembled from Maven jars:
# the real bin/interpreter.sh ships only in Zeppelin's binary tarball. The server calls it as
#   interpreter.sh -d <interpreter dir> -c <callback host> -p <callback port> -r <port range> -i <group id>
#                  -l <local repo> -g <setting name> [-u <user>]
# and it starts RemoteInterpreterServer on interpreter/zeppelin-interpreter-shaded-*.jar plus the jars of <dir>:
# through $SPARK_HOME/bin/spark-submit for the spark group (as Zeppelin does, with the --master/--conf arguments the
# server passes in ZEPPELIN_SPARK_CONF), with plain java for the others.
set -euo pipefail
while getopts "d:c:p:r:i:l:g:u:" option; do
  case $option in
    d) dir=$OPTARG;; c) callback_host=$OPTARG;; p) callback_port=$OPTARG;; r) port_range=$OPTARG;;
    i) group_id=$OPTARG;; g) setting=$OPTARG;; *) ;;
  esac
done
home="${ZEPPELIN_HOME:-$(cd "$(dirname "$0")/.." && pwd)}"
main=org.apache.zeppelin.interpreter.remote.RemoteInterpreterServer
classpath="$(ls "$home"/interpreter/zeppelin-interpreter-shaded-*.jar)"
for jar in "$dir"/*.jar; do classpath+=":$jar"; done
java_options="@$home/conf/java17.args -Dlog4j.configuration=file:$home/conf/log4j.properties -Dzeppelin.log.file=$home/logs/zeppelin-interpreter-$setting.log"
if [[ "$(basename "$dir")" == spark ]]; then
  : "${SPARK_HOME:?the spark interpreter needs SPARK_HOME}"
  IFS='|' read -r -a spark_conf <<< "${ZEPPELIN_SPARK_CONF:-}"
  command=("$SPARK_HOME/bin/spark-submit" --class "$main" --driver-class-path "$classpath"
           --driver-java-options "$java_options" "${spark_conf[@]}"
           "$(ls "$dir"/*.jar | head -1)" "$callback_host" "$callback_port" "$group_id" "$port_range")
else
  read -r -a options <<< "$java_options"
  command=("${JAVA_HOME:+$JAVA_HOME/bin/}java" "${options[@]}" -Xmx256m -cp "$classpath"
           "$main" "$callback_host" "$callback_port" "$group_id" "$port_range")
fi
# the server logs this line, as it does for Zeppelin's own launcher
echo "[INFO] Interpreter launch command: ${command[*]}"
exec "${command[@]}"
