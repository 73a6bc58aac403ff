# Copyright: ecap.platform contributors
# MIT License
from __future__ import annotations

DOCUMENTATION = r"""
name: template
short_description: Render a template file, as ansible.builtin.template does, without copying every variable
version_added: 0.1.0
description:
  - Renders each template file it is given with the task's variables and returns the results, exactly as the
    C(ansible.builtin.template) lookup does (same search path, options and result).
  - The difference is what it copies. The builtin lookup deep-copies every variable of the host before each
    render (ansible-core 2.19, C(vars = deepcopy(variables))), that is the inventory, the role variables, the
    outputs the earlier tiers published and every registered result. On a run of the site that copy is most of the
    lookup's time, and about a tenth of the no-op run's controller CPU. This lookup gives the render a shallow
    copy instead. The template sees the same values; a template cannot change the task's variables either way
    (Jinja2 has no assignment to outer variables, and the lookup only adds keys to its copy).
  - The roles render their IAM, KMS and S3 policy documents with it.
options:
  _terms:
    description: The template files, found as C(ansible.builtin.template) finds them (the role's C(templates/)).
    type: list
    elements: str
    required: true
  template_vars:
    description: A dictionary whose keys become additional variables of the templates.
    type: dict
    default: {}
  variable_start_string:
    description: The string marking the beginning of a print statement.
    type: str
    default: "{{"
  variable_end_string:
    description: The string marking the end of a print statement.
    type: str
    default: "}}"
  comment_start_string:
    description: The string marking the beginning of a comment statement.
    type: str
    default: "{#"
  comment_end_string:
    description: The string marking the end of a comment statement.
    type: str
    default: "#}"
  trim_blocks:
    description: Whether the first newline after a block tag is removed.
    type: bool
    default: true
  convert_data:
    description: Kept for compatibility with C(ansible.builtin.template); ansible-core 2.19 ignores it.
    type: bool
    default: true
  jinja2_native:
    description: Kept for compatibility with C(ansible.builtin.template); ansible-core 2.19 ignores it.
    type: bool
    default: true
seealso:
  - plugin: ansible.builtin.template
    plugin_type: lookup
"""

EXAMPLES = r"""
- name: Converge a key with its policy
  ecap.platform.kms_key:
    alias: alias/ecap-dev-rds
    policy: "{{ lookup('ecap.platform.template', 'key_policy.json.j2') }}"
"""

RETURN = r"""
_raw:
  description: The rendered content of each template file.
  type: list
  elements: raw
"""

from ansible.plugins.lookup.template import LookupModule as _BuiltinTemplate


class _ShallowOnDeepcopy(dict):
    """The task's variables, whose ``deepcopy`` (what the builtin lookup makes of them) is a shallow copy."""

    def __deepcopy__(self, memo):
        return dict(self)


class LookupModule(_BuiltinTemplate):
    def run(self, terms, variables=None, **kwargs):
        return super().run(terms, variables=_ShallowOnDeepcopy(variables or {}), **kwargs)
