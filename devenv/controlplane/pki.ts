// A throwaway certificate authority and the keys the local control plane needs, made with openssl.
// Everything lands in one folder that lives and dies with the cluster.
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { run } from "../lib/processes";

export interface Pki {
  dir: string;
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  /** One RSA key that both signs and verifies service-account tokens. */
  serviceAccountKey: string;
  serviceAccountPub: string;
  adminCert: string;
  adminKey: string;
}

function openssl(args: string[]): void {
  run("openssl", args);
}

/** Issues a certificate for `subject` signed by the CA, with the given extensions file contents. */
function issueCert(
  pki: Pick<Pki, "dir" | "caCert" | "caKey">,
  name: string,
  subject: string,
  extensions: string,
): { cert: string; key: string } {
  const key = join(pki.dir, `${name}.key`);
  const csr = join(pki.dir, `${name}.csr`);
  const cert = join(pki.dir, `${name}.crt`);
  const ext = join(pki.dir, `${name}.ext`);
  writeFileSync(ext, extensions);
  openssl(["genrsa", "-out", key, "2048"]);
  openssl(["req", "-new", "-key", key, "-subj", subject, "-out", csr]);
  openssl([
    "x509", "-req", "-in", csr, "-CA", pki.caCert, "-CAkey", pki.caKey, "-CAcreateserial",
    "-days", "30", "-sha256", "-extfile", ext, "-out", cert,
  ]); // prettier-ignore
  return { cert, key };
}

/** A client certificate: CN is the user name, each O is a group. */
export function issueClientCert(
  pki: Pick<Pki, "dir" | "caCert" | "caKey">,
  name: string,
  user: string,
  groups: string[] = [],
): { cert: string; key: string } {
  const subject = `/CN=${user}${groups.map(g => `/O=${g}`).join("")}`;
  return issueCert(
    pki,
    name,
    subject,
    "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n",
  );
}

export function createPki(dir: string): Pki {
  const caKey = join(dir, "ca.key");
  const caCert = join(dir, "ca.crt");
  if (!existsSync(caCert)) {
    openssl(["genrsa", "-out", caKey, "2048"]);
    openssl([
      "req", "-x509", "-new", "-nodes", "-key", caKey, "-subj", "/CN=highlander-local-ca",
      "-days", "30", "-sha256", "-out", caCert,
    ]); // prettier-ignore
  }
  const base = { dir, caCert, caKey };
  const server = issueCert(
    base,
    "apiserver",
    "/CN=kube-apiserver",
    [
      "basicConstraints=CA:FALSE",
      "keyUsage=digitalSignature,keyEncipherment",
      "extendedKeyUsage=serverAuth",
      "subjectAltName=IP:127.0.0.1,IP:10.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc",
      "",
    ].join("\n"),
  );
  const serviceAccountKey = join(dir, "sa.key");
  const serviceAccountPub = join(dir, "sa.pub");
  openssl(["genrsa", "-out", serviceAccountKey, "2048"]);
  openssl(["rsa", "-in", serviceAccountKey, "-pubout", "-out", serviceAccountPub]);
  const admin = issueClientCert(base, "admin", "highlander-admin", ["system:masters"]);
  return {
    dir,
    caCert,
    caKey,
    serverCert: server.cert,
    serverKey: server.key,
    serviceAccountKey,
    serviceAccountPub,
    adminCert: admin.cert,
    adminKey: admin.key,
  };
}
