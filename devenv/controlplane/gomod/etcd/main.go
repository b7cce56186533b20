// Command etcd is the etcd server at the version k8s.io/kubernetes itself requires,
// so the local control plane never runs an etcd older than the API server supports.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
