import GatehouseDomain

/// The OpenAPI 3.1 description of every route `gatehouse serve` answers. A test compares its paths
/// and methods with the router's, and schemathesis checks the answers against it in CI.
public enum OpenAPIDocument {
    /// The document, with the scope identifiers of `catalog` as the values `scope` may take.
    public static func json(catalog: ScopeCatalog) -> String {
        let identifiers = ([ScopeCatalog.fullAccessIdentifier] + catalog.allIdentifiers).map { "\"\($0)\"" }.joined(separator: ", ")
        return AzureDevOpsOpenAPI.adding(to: template.replacingOccurrences(of: "\"SCOPE-IDENTIFIERS\"", with: identifiers))
    }

    static let template = #"""
{
  "openapi": "3.1.0",
  "info": {
    "title": "Gatehouse",
    "version": "1.0.0",
    "description": "Personal access tokens that authenticate HTTP requests: an nginx auth_request endpoint, Azure DevOps' connectionData, RFC 7662 introspection, GitHub secret-scanning leak reports, and Azure DevOps' own REST API (location discovery, Graph, Token Administration, PAT Lifecycle Management) under /{organization}/_apis. Present a token as the password of HTTP Basic authentication (any user name) or as a Bearer token."
  },
  "servers": [{"url": "http://127.0.0.1:8080"}],
  "components": {
    "securitySchemes": {
      "basic": {"type": "http", "scheme": "basic", "description": "Any user name (an empty one too); the token as the password."},
      "bearer": {"type": "http", "scheme": "bearer"}
    },
    "headers": {
      "Reason": {"description": "Why the request was refused: a code, a colon and a sentence (never a secret).", "schema": {"type": "string"}},
      "WWWAuthenticate": {"schema": {"type": "string", "const": "Basic realm=\"Gatehouse\""}},
      "RetryAfter": {"description": "Seconds until this address may try again.", "schema": {"type": "integer", "minimum": 1}}
    },
    "schemas": {
      "Problem": {
        "type": "object",
        "required": ["reason", "message"],
        "properties": {"reason": {"type": "string"}, "message": {"type": "string"}},
        "additionalProperties": false
      },
      "Identity": {
        "type": "object",
        "required": ["id", "descriptor", "subjectDescriptor", "providerDisplayName", "isActive", "properties", "resourceVersion", "metaTypeId"],
        "properties": {
          "id": {"type": "string", "format": "uuid"},
          "descriptor": {"type": "string"},
          "subjectDescriptor": {"type": "string"},
          "providerDisplayName": {"type": "string"},
          "isActive": {"type": "boolean"},
          "properties": {"type": "object", "additionalProperties": {"type": "object", "properties": {"$type": {"type": "string"}, "$value": {"type": "string"}}}},
          "resourceVersion": {"type": "integer"},
          "metaTypeId": {"type": "integer"}
        }
      }
    },
    "responses": {
      "Unauthorized": {
        "description": "No credentials, or the token does not authenticate (malformed, unknown, expired, revoked, replaced, owner disabled).",
        "headers": {"WWW-Authenticate": {"$ref": "#/components/headers/WWWAuthenticate"}, "X-Gatehouse-Reason": {"$ref": "#/components/headers/Reason"}},
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
      },
      "Forbidden": {
        "description": "The token authenticates but does not reach this organization or these scopes.",
        "headers": {"X-Gatehouse-Reason": {"$ref": "#/components/headers/Reason"}},
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
      },
      "TooManyFailures": {
        "description": "Too many failed authentications from this client address.",
        "headers": {"Retry-After": {"$ref": "#/components/headers/RetryAfter"}, "X-Gatehouse-Reason": {"$ref": "#/components/headers/Reason"}},
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
      },
      "BadRequest": {
        "description": "The request itself is wrong.",
        "content": {"application/json": {"schema": {"type": "object"}}}
      }
    }
  },
  "paths": {
    "/auth/check": {
      "get": {
        "operationId": "authCheck",
        "summary": "May this token's bearer reach a service of this organization that needs these scopes? (nginx auth_request)",
        "security": [{"basic": []}, {"bearer": []}, {}],
        "parameters": [
          {"name": "org", "in": "query", "required": true, "schema": {"type": "string", "pattern": "\\S"}, "description": "The organization's name."},
          {"name": "scope", "in": "query", "required": false, "explode": true, "schema": {"type": "array", "items": {"enum": ["SCOPE-IDENTIFIERS"]}}, "description": "Scope identifiers the service needs (e.g. vso.code); a higher level in an area grants the lower ones, Full access grants all."}
        ],
        "responses": {
          "204": {
            "description": "Allowed.",
            "headers": {
              "X-Gatehouse-User": {"description": "The token owner's login.", "schema": {"type": "string"}},
              "X-Gatehouse-Token": {"description": "The token's authorization id.", "schema": {"type": "string", "format": "uuid"}}
            }
          },
          "400": {"description": "No organization named, or an unknown scope: the gateway's configuration is wrong.", "headers": {"X-Gatehouse-Reason": {"$ref": "#/components/headers/Reason"}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {"$ref": "#/components/responses/Forbidden"},
          "429": {"$ref": "#/components/responses/TooManyFailures"}
        }
      }
    },
    "/_apis/connectionData": {
      "get": {
        "operationId": "connectionData",
        "summary": "Who the token authenticates, in Azure DevOps' shape.",
        "security": [{"basic": []}, {"bearer": []}],
        "parameters": [{"name": "org", "in": "query", "required": false, "schema": {"type": "string"}}],
        "responses": {
          "200": {
            "description": "The authenticated identity.",
            "content": {"application/json": {"schema": {
              "type": "object",
              "required": ["authenticatedUser", "authorizedUser", "instanceId", "deploymentId", "deploymentType", "locationServiceData"],
              "properties": {
                "authenticatedUser": {"$ref": "#/components/schemas/Identity"},
                "authorizedUser": {"$ref": "#/components/schemas/Identity"},
                "instanceId": {"type": "string", "format": "uuid"},
                "deploymentId": {"type": "string", "format": "uuid"},
                "deploymentType": {"type": "string"},
                "locationServiceData": {"type": "object"}
              }
            }}}
          },
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {"$ref": "#/components/responses/Forbidden"},
          "429": {"$ref": "#/components/responses/TooManyFailures"}
        }
      }
    },
    "/oauth/introspect": {
      "post": {
        "operationId": "introspect",
        "summary": "RFC 7662 token introspection. The caller's own token must grant vso.tokenadministration and its owner hold Manage others' tokens.",
        "security": [{"basic": []}, {"bearer": []}],
        "requestBody": {
          "required": true,
          "content": {"application/x-www-form-urlencoded": {"schema": {"type": "object", "required": ["token"], "properties": {"token": {"type": "string", "minLength": 1}, "token_type_hint": {"type": "string"}}}}}
        },
        "responses": {
          "200": {
            "description": "active: false for a token that is not active (or not visible to the caller); else its claims.",
            "content": {"application/json": {"schema": {
              "type": "object",
              "required": ["active"],
              "properties": {
                "active": {"type": "boolean"},
                "scope": {"type": "string"},
                "username": {"type": "string"},
                "sub": {"type": "string"},
                "exp": {"type": "integer"},
                "iat": {"type": "integer"},
                "nbf": {"type": "integer"},
                "token_type": {"type": "string"},
                "jti": {"type": "string"}
              }
            }}}
          },
          "400": {"$ref": "#/components/responses/BadRequest"},
          "401": {"$ref": "#/components/responses/Unauthorized"},
          "403": {"$ref": "#/components/responses/Forbidden"},
          "413": {"description": "The body is too large."},
          "429": {"$ref": "#/components/responses/TooManyFailures"}
        }
      }
    },
    "/_apis/tokens/leaked": {
      "post": {
        "operationId": "reportLeakedTokens",
        "summary": "GitHub secret-scanning partner report. Signed: Github-Public-Key-Signature is base64 DER ECDSA P-256 (SHA-256) over the raw body, by a key the administrator configured.",
        "parameters": [
          {"name": "Github-Public-Key-Identifier", "in": "header", "required": false, "schema": {"type": "string"}},
          {"name": "Github-Public-Key-Signature", "in": "header", "required": false, "schema": {"type": "string"}}
        ],
        "requestBody": {
          "required": true,
          "content": {"application/json": {"schema": {"type": "array", "items": {
            "type": "object", "required": ["token"],
            "properties": {"token": {"type": "string"}, "type": {"type": "string"}, "url": {"type": "string"}, "source": {"type": "string"}}
          }}}}
        },
        "responses": {
          "200": {
            "description": "Each reported token, by SHA-256 hash: true_positive if it is a Gatehouse token of this directory.",
            "content": {"application/json": {"schema": {"type": "array", "items": {
              "type": "object", "required": ["token_hash", "token_type", "label"],
              "properties": {"token_hash": {"type": "string"}, "token_type": {"type": "string"}, "label": {"type": "string", "enum": ["true_positive", "false_positive"]}}
            }}}}
          },
          "400": {"description": "Not a JSON array of reports.", "headers": {"X-Gatehouse-Reason": {"$ref": "#/components/headers/Reason"}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
          "401": {"description": "Unsigned, badly signed, or no keys configured.", "headers": {"X-Gatehouse-Reason": {"$ref": "#/components/headers/Reason"}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
          "413": {"description": "The body is too large."}
        }
      }
    },
    "/healthz": {
      "get": {
        "operationId": "health",
        "summary": "Whether the directory database can be read.",
        "responses": {
          "200": {"description": "Healthy.", "content": {"application/json": {"schema": {"type": "object", "required": ["status"], "properties": {"status": {"const": "ok"}}}}}},
          "503": {"description": "The database cannot be read.", "content": {"application/json": {"schema": {"type": "object", "required": ["status"], "properties": {"status": {"const": "unavailable"}, "message": {"type": "string"}}}}}}
        }
      }
    },
    "/metrics": {
      "get": {
        "operationId": "metrics",
        "summary": "Prometheus metrics: requests by route and status, latency histogram, verifications answered from memory vs the database.",
        "responses": {"200": {"description": "Prometheus text exposition.", "content": {"text/plain": {"schema": {"type": "string"}}}}}
      }
    },
    "/openapi.json": {
      "get": {
        "operationId": "openAPI",
        "summary": "This document.",
        "responses": {"200": {"description": "OpenAPI 3.1.", "content": {"application/json": {"schema": {"type": "object"}}}}}
      }
    }
  }
}
"""#
}
