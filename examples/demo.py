"""The demo behind `make demo` (grows with the library)."""

from agilemarketing import Workflow

workflow = Workflow.from_shorthand(
    "Backlog,Ready,In Progress,Review,Done", start="Ready", done="Done", wip={"In Progress": 3}
)
print("Workflow:", " -> ".join(workflow.names))
