// TokenReview and SubjectAccessReview over any JSON POST to the API server (the runtime's KubeClient),
// so the HTTP package does not depend on the runtime.
import type { KubeAuthApi, ReviewedUser } from "./auth";

export type PostJson = <T>(path: string, body: unknown) => Promise<T>;

interface TokenReviewStatus {
  status?: { authenticated?: boolean; user?: ReviewedUser };
}

interface AccessReviewStatus {
  status?: { allowed?: boolean };
}

export function kubeAuthApi(post: PostJson): KubeAuthApi {
  return {
    async tokenReview(token) {
      const review = await post<TokenReviewStatus>("/apis/authentication.k8s.io/v1/tokenreviews", {
        apiVersion: "authentication.k8s.io/v1",
        kind: "TokenReview",
        spec: { token },
      });
      const user = review.status?.user;
      return review.status?.authenticated === true && user?.username ? user : undefined;
    },
    async subjectAccessReview(user, attrs) {
      const review = await post<AccessReviewStatus>(
        "/apis/authorization.k8s.io/v1/subjectaccessreviews",
        {
          apiVersion: "authorization.k8s.io/v1",
          kind: "SubjectAccessReview",
          spec: {
            user: user.username,
            uid: user.uid,
            groups: user.groups,
            extra: user.extra,
            resourceAttributes: attrs,
          },
        },
      );
      return review.status?.allowed === true;
    },
  };
}
